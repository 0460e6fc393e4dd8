/**
 * The api-versions each route accepts. The first of each list is what the SDKs we emulate
 * send: `@azure/arm-apimanagement` 10.0.0 (2024-05-01) and `@azure/arm-security` 5.0.0
 * (pricings 2022-03-01, alerts 2021-11-01, assessments 2021-06-01); apiCollections are only
 * served in their stable 2023-11-15 shape. Azure Monitor metrics are served in
 * the version `@azure/arm-monitor` 8 sends (2024-02-01), 2023-10-01 and the older 2018-01-01. The others answer in the same shape.
 * @public
 */
export const API_VERSIONS = {
  apiManagement: [
    '2024-05-01',
    '2021-08-01',
    '2022-08-01',
    '2023-05-01-preview',
    '2023-09-01-preview',
    '2024-06-01-preview',
  ],
  apiCollections: ['2023-11-15'],
  pricings: ['2022-03-01', '2023-01-01', '2024-01-01'],
  alerts: ['2021-11-01', '2022-01-01'],
  assessments: ['2021-06-01', '2020-01-01'],
  metrics: ['2024-02-01', '2023-10-01', '2018-01-01'],
  resourceGraph: ['2024-04-01', '2022-10-01', '2021-03-01'],
} as const;
