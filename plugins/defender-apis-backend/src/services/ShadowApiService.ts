import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ShadowApiList } from '@defender-apis/plugin-defender-apis-common';
import { ShadowApiStore } from '../database/ShadowApiStore';
import { ResolvedShadowApiQuery } from '../model/shadowApis';
import { CallerDecisions } from '../permissions/CallerDecisions';

/**
 * Serves shadow APIs to callers who may read the whole catalog. A shadow API has no catalog
 * entity whose permission could cover it, so a caller whose catalog reads are conditional
 * (or denied) sees the whole list of APIs or nothing: nothing.
 */
export class ShadowApiService {
  constructor(
    private readonly options: {
      decisions: Pick<CallerDecisions, 'get'>;
      store: Pick<ShadowApiStore, 'list'>;
    },
  ) {}

  async list(
    query: ResolvedShadowApiQuery,
    credentials: BackstageCredentials,
  ): Promise<ShadowApiList> {
    const { catalogRead } = await this.options.decisions.get(credentials);
    if (catalogRead.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'Shadow APIs are shown only to callers who may read every catalog entity (an unconditional catalog.entity.read): they are APIs the catalog does not have, so no entity permission covers them. Your catalog.entity.read decision is conditional or a denial.',
      );
    }
    return this.options.store.list(query);
  }
}
