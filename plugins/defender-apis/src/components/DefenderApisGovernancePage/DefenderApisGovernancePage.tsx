import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useState } from 'react';
import Grid from '@material-ui/core/Grid';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { CoverageTable } from './CoverageTable';
import { PosturesTable } from './PosturesTable';
import { SummaryTiles } from './SummaryTiles';
import { PendingNotice } from '../common/PendingNotice';
import { PlanFitTable } from './PlanFitTable';
import { useSummary } from './useSummary';
import { ShadowApisTable } from './shadow/ShadowApisTable';
import { useShadowApiCount } from './shadow/useShadowApiCount';
import { PostureHistoryPanel } from '../history/PostureHistoryPanel';

const WHOLE_CATALOG = {};

/**
 * Props of {@link DefenderApisGovernancePage}.
 *
 * @public
 */
export interface DefenderApisGovernancePageProps {
  /**
   * How often a bulk onboarding's progress is read while its dialog is open, in
   * milliseconds; default 3000. The backend paces the onboardings themselves.
   */
  bulkOnboardPollMs?: number;
}

const TITLE = 'Defender for APIs';
const SUBTITLE = 'Posture of every API in the catalog';

/** The page's body in its states: progress, error, empty, data. */
const GovernanceContent = (props: DefenderApisGovernancePageProps) => {
  const { value: summary, loading, error, retry } = useSummary();
  // Shadow APIs are for users who may read the whole catalog; for others the page has none.
  const shadow = useShadowApiCount();
  const shadowCount = shadow.value?.count;
  const [tab, setTab] = useState<'posture' | 'shadow'>('posture');
  // Only the first read shows progress; a retry keeps the page (and the table's filters).
  if (loading && !summary) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (summary && summary.total === 0 && (summary.pending ?? 0) > 0) {
    return (
      <PendingNotice
        pending={summary.pending}
        nextReadAt={summary.nextReadAt}
      />
    );
  }
  if (!summary || (summary.total === 0 && !shadowCount)) {
    return (
      <EmptyState
        missing="data"
        title="No API entities in the catalog"
        description="Register kind: API entities and annotate them with azure.com/api-management-api to see their Defender for APIs posture here."
      />
    );
  }
  const hasSystems = Object.keys(summary.bySystem).length > 0;
  return (
    <Grid container spacing={3}>
      {summary.pending ? (
        <Grid item xs={12}>
          <PendingNotice
            pending={summary.pending}
            nextReadAt={summary.nextReadAt}
          />
        </Grid>
      ) : null}
      <Grid item xs={12}>
        <SummaryTiles summary={summary} shadowApis={shadowCount} />
      </Grid>
      {shadowCount !== undefined ? (
        <Grid item xs={12}>
          <Tabs
            value={tab}
            onChange={(_event, value) => setTab(value)}
            indicatorColor="primary"
            aria-label="Views"
          >
            <Tab value="posture" label="API posture" />
            <Tab value="shadow" label={`Shadow APIs (${shadowCount})`} />
          </Tabs>
        </Grid>
      ) : null}
      {tab === 'shadow' ? (
        <Grid item xs={12}>
          <ShadowApisTable />
        </Grid>
      ) : (
        <>
          {/* Side by side only where both tables fit whole (1920 px and up). */}
          <Grid item xs={12} xl={hasSystems ? 6 : 12}>
            <CoverageTable
              title="Coverage by owner"
              subtitle="Worst first; an API with several owners counts for each"
              groups={summary.byOwner}
              groupTitle="Owner"
              defaultKind="group"
              emptyText="No owners: no API entity has an owner relation."
            />
          </Grid>
          {hasSystems ? (
            <Grid item xs={12} xl={6}>
              <CoverageTable
                title="Coverage by system"
                subtitle="Worst first; APIs without a system are left out"
                groups={summary.bySystem}
                groupTitle="System"
                defaultKind="system"
                emptyText="No API entity is part of a system."
              />
            </Grid>
          ) : null}
          <Grid item xs={12}>
            <InfoCard
              title="Coverage and APIs at risk over time"
              subheader="Each day's last posture of every API you can see"
            >
              <PostureHistoryPanel query={WHOLE_CATALOG} />
            </InfoCard>
          </Grid>
          {summary.plans?.length ? (
            <Grid item xs={12}>
              <PlanFitTable plans={summary.plans} />
            </Grid>
          ) : null}
          <Grid item xs={12}>
            <PosturesTable
              summary={summary}
              bulkOnboardPollMs={props.bulkOnboardPollMs}
              onChanged={retry}
            />
          </Grid>
        </>
      )}
    </Grid>
  );
};

/**
 * The governance page: catalog-wide coverage, coverage per owner and per system, and every
 * API's posture in a table the backend filters, sorts and pages, with CSV export and bulk
 * onboarding of what the filters select; for users who may read the whole catalog, a tab of
 * the shadow APIs (in API Management, in no catalog entity) with a catalog-info.yaml each.
 *
 * @public
 */
export const DefenderApisGovernancePage = (
  props: DefenderApisGovernancePageProps = {},
) => (
  <Page themeId="tool">
    <Header title={TITLE} subtitle={SUBTITLE} />
    <Content>
      <GovernanceContent {...props} />
    </Content>
  </Page>
);
