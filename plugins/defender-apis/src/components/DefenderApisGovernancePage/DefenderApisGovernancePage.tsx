import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../EntityDefenderApisCard/format';
import { OwnerCoverageTable } from './OwnerCoverageTable';
import { PosturesTable } from './PosturesTable';
import { SummaryTiles } from './SummaryTiles';
import { useGovernanceData } from './useGovernanceData';

/**
 * Props of {@link DefenderApisGovernancePage}.
 *
 * @public
 */
export interface DefenderApisGovernancePageProps {
  /**
   * Pause between the requests of a bulk onboarding, in milliseconds; default 3000. The
   * backend also limits how many onboardings run at once per APIM service.
   */
  bulkOnboardPaceMs?: number;
}

const TITLE = 'Defender for APIs';
const SUBTITLE = 'Posture of every API in the catalog';

/** The page's body in its states: progress, error, empty, data. */
const GovernanceContent = (props: DefenderApisGovernancePageProps) => {
  const { loading, error, summary, rows, catalogError, reload } =
    useGovernanceData();
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!summary || (summary.total === 0 && rows.length === 0)) {
    return (
      <EmptyState
        missing="data"
        title="No API entities in the catalog"
        description="Register kind: API entities and annotate them with azure.com/api-management-api to see their Defender for APIs posture here."
      />
    );
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <SummaryTiles summary={summary} />
      </Grid>
      <Grid item xs={12}>
        <OwnerCoverageTable summary={summary} />
      </Grid>
      {catalogError ? (
        <Grid item xs={12}>
          <Alert severity="warning">
            Could not read owners and titles from the catalog:{' '}
            {errorMessage(catalogError)}
          </Alert>
        </Grid>
      ) : null}
      <Grid item xs={12}>
        <PosturesTable
          rows={rows}
          bulkOnboardPaceMs={props.bulkOnboardPaceMs}
          onChanged={reload}
        />
      </Grid>
    </Grid>
  );
};

/**
 * The governance page: catalog-wide coverage, coverage per owner, and every API's posture in
 * a table to filter, sort and export.
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
