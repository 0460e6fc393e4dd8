/** Where a full refresh reads Defender for Cloud's security data: Azure Resource Graph or ARM's lists. */
export type ReadVia = 'resourceGraph' | 'arm';
