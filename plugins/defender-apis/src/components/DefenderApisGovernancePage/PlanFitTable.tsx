import { Table, TableColumn } from '@backstage/core-components';
import { PlanInfo } from '@defender-apis/plugin-defender-apis-common';
import { planTrafficText } from '../common/format';

interface PlanRow {
  id: string;
  subscriptionId: string;
  plan: string;
  traffic: string;
}

const COLUMNS: TableColumn<PlanRow>[] = [
  {
    title: 'Subscription',
    field: 'subscriptionId',
    highlight: true,
    // An id is one word: on one line, the sentence column gives way.
    cellStyle: { whiteSpace: 'nowrap' },
  },
  { title: 'Plan', field: 'plan' },
  { title: 'API traffic (30 days) and plan fit', field: 'traffic' },
];

function toRow(plan: PlanInfo): PlanRow {
  const subscriptionId = plan.subscriptionId ?? 'unknown';
  return {
    id: subscriptionId,
    subscriptionId,
    plan: plan.enabled
      ? `On${plan.subPlan ? ` (${plan.subPlan})` : ''}`
      : 'Off',
    traffic:
      planTrafficText(plan) ??
      (plan.enabled ? 'Not read yet' : 'Plan off: nothing to fit'),
  };
}

/**
 * The Defender for APIs plan of each subscription with the APIs shown, with its API traffic of
 * the last 30 days against the plan's monthly entitlement (from the summary; hidden when the
 * backend gives none), so the platform team sees where a plan is exceeded or too large.
 */
export const PlanFitTable = (props: { plans: PlanInfo[] | undefined }) => {
  if (!props.plans?.length) return null;
  return (
    <Table<PlanRow>
      title="Plans and API traffic"
      subtitle="Per subscription, as Microsoft advises for choosing a plan from historical traffic"
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        headerStyle: { whiteSpace: 'nowrap' },
      }}
      columns={COLUMNS}
      data={props.plans.map(toRow)}
    />
  );
};
