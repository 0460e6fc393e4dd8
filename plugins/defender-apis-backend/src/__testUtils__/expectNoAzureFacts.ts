/** Asserts that a posture shows nothing read from Azure about its API. */
export function expectNoAzureFacts(posture: any) {
  expect(posture.endpoints).toBeUndefined();
  expect(posture.sensitivityLabel).toBeUndefined();
  expect(posture.plan).toBeUndefined();
  expect(posture.onboarding).toBeUndefined();
  expect(posture.alerts).toEqual(
    expect.objectContaining({ active: 0, items: [] }),
  );
  expect(posture.recommendations).toEqual([]);
  expect(posture.api?.displayName).toBeUndefined();
}
