import { ArmHttpError, armErrors } from '../http/armErrors';
import { skipTokenPage } from '../http/paging';
import { ArmRoute } from '../http/routeTable';
import {
  renderAlert,
  renderAssessment,
  renderPricing,
} from '../resources/security';
import { API_VERSIONS } from './apiVersions';
import { findSubscription } from './lookups';

const PROVIDER = '/subscriptions/{subscriptionId}/providers/Microsoft.Security';

/** Defender for Cloud reads at subscription scope: plans (pricings), alerts and assessments. */
export const securityRoutes: ArmRoute[] = [
  {
    pattern: `${PROVIDER}/pricings`,
    resourceType: 'Microsoft.Security/pricings',
    apiVersions: API_VERSIONS.pricings,
    handlers: {
      // PricingList has no nextLink: Azure answers all plans at once.
      GET: ctx => {
        const sub = findSubscription(ctx).scenario;
        return {
          status: 200,
          body: {
            value: sub.pricings.map(p => renderPricing(sub.subscriptionId, p)),
          },
        };
      },
    },
  },
  {
    pattern: `${PROVIDER}/pricings/{pricingName}`,
    resourceType: 'Microsoft.Security/pricings',
    apiVersions: API_VERSIONS.pricings,
    handlers: {
      GET: ctx => {
        const sub = findSubscription(ctx).scenario;
        const wanted = ctx.params.pricingName.toLowerCase();
        const pricing = sub.pricings.find(p => p.name.toLowerCase() === wanted);
        if (!pricing) {
          throw new ArmHttpError(
            armErrors.resourceNotFound(
              'Microsoft.Security/pricings',
              ctx.params.pricingName,
            ),
          );
        }
        return {
          status: 200,
          body: renderPricing(sub.subscriptionId, pricing),
        };
      },
    },
  },
  {
    pattern: `${PROVIDER}/alerts`,
    resourceType: 'Microsoft.Security/alerts',
    apiVersions: API_VERSIONS.alerts,
    handlers: {
      GET: ctx => {
        const sub = findSubscription(ctx).scenario;
        const page = skipTokenPage(sub.alerts ?? [], ctx);
        return {
          status: 200,
          body: {
            ...page,
            value: page.value.map(a => renderAlert(sub, a, ctx.state.loadedAt)),
          },
        };
      },
    },
  },
  {
    pattern: `${PROVIDER}/assessments`,
    resourceType: 'Microsoft.Security/assessments',
    apiVersions: API_VERSIONS.assessments,
    handlers: {
      GET: ctx => {
        const sub = findSubscription(ctx).scenario;
        const page = skipTokenPage(sub.assessments ?? [], ctx);
        return {
          status: 200,
          body: {
            ...page,
            value: page.value.map(a => renderAssessment(sub.subscriptionId, a)),
          },
        };
      },
    },
  },
];
