import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { defenderApisBatchCancelPermission } from '@defender-apis/plugin-defender-apis-common';
import { PLATFORM_TEAM, PortalPermissionPolicy } from './permissionPolicy';

const userOf = (ownershipEntityRefs: string[]) =>
  ({
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as unknown as PolicyQueryUser);

describe('PortalPermissionPolicy', () => {
  const policy = new PortalPermissionPolicy();

  it("lets only the platform team cancel another user's onboarding batch", async () => {
    const ask = (user?: PolicyQueryUser) =>
      policy.handle({ permission: defenderApisBatchCancelPermission }, user);
    expect(await ask(userOf(['user:default/priya', PLATFORM_TEAM]))).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(
      await ask(userOf(['user:default/paula', 'group:default/team-payments'])),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(await ask(undefined)).toEqual({ result: AuthorizeResult.DENY });
  });
});
