import { ReactNode } from 'react';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { AlertsList } from './AlertsList';
import { formatDay, planTrafficText, plural } from '../common/format';
import { RecommendationsList } from './RecommendationsList';
import { EndpointFindingsList } from './EndpointFindingsList';
import { AttackPathsList, attackPathsText } from './AttackPathsList';
import { WholeWords } from '../common/WholeWords';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1),
    margin: theme.spacing(2, 0),
  },
  term: {
    fontWeight: theme.typography.fontWeightMedium as number,
    color: theme.palette.text.secondary,
  },
  // Long alert and recommendation names wrap at their spaces instead of running out of the
  // card; only a single word longer than the column breaks.
  value: { margin: 0, minWidth: 0, overflowWrap: 'break-word' },
  id: { whiteSpace: 'nowrap' },
}));

type Classes = ReturnType<typeof useStyles>;

/** Plan-off guidance: who can turn the plan on, and where. */
export const PLAN_OFF_GUIDANCE =
  'A subscription owner or security admin can turn on the Defender for APIs plan in Microsoft Defender for Cloud > Environment settings.';

/** A collection exists (endpoint counts are only known for onboarded APIs). */
function isOnboarded(posture: ApiPosture): boolean {
  return posture.endpoints !== undefined;
}

function onboardingText(posture: ApiPosture): ReactNode {
  switch (posture.status) {
    case 'protected':
    case 'atRisk':
      return 'Onboarded';
    case 'awaitingData':
      return 'Onboarded · awaiting data (first insights take up to about 50 minutes)';
    case 'onboarding':
      return (
        <>
          Onboarding in progress…
          <LinearProgress aria-label="Onboarding progress" />
        </>
      );
    case 'postureOnly':
      return isOnboarded(posture)
        ? 'Covered by Defender CSPM API posture (no threat detection)'
        : 'Defender CSPM API posture is on; not reported yet';
    case 'notApplicable':
      return `Not applicable: ${
        posture.reason ?? 'Defender for APIs does not cover this API.'
      }`;
    default:
      return isOnboarded(posture) ? 'Onboarded' : 'Not onboarded';
  }
}

function planText(posture: ApiPosture, classes: Classes): ReactNode {
  const { plan } = posture;
  if (!plan) return undefined;
  const subscription = plan.subscriptionId ?? posture.api?.subscriptionId;
  // An id is one word: it moves to the next line whole rather than breaking at its dashes.
  const where = subscription ? (
    <>
      {' on subscription '}
      <span className={classes.id}>{subscription}</span>
    </>
  ) : null;
  if (!plan.enabled) {
    // The headline of a plan-off (or posture-only) API says already who can turn it on.
    const guidance =
      posture.status === 'planDisabled' || posture.status === 'postureOnly'
        ? ''
        : ` ${PLAN_OFF_GUIDANCE}`;
    const cspm = plan.apiPosture
      ? ' Defender CSPM API posture is on: posture findings, no threat detection.'
      : '';
    return (
      <>
        Off{where}.{cspm}
        {guidance}
      </>
    );
  }
  return (
    <>
      On{plan.subPlan ? ` (plan ${plan.subPlan})` : ''}
      {where}
    </>
  );
}

function alertsText(posture: ApiPosture): string {
  const { active, bySeverity } = posture.alerts;
  if (active === 0) return 'No active alerts';
  const counts = (['high', 'medium', 'low', 'informational'] as const)
    .filter(severity => bySeverity[severity] > 0)
    .map(severity => `${bySeverity[severity]} ${severity}`);
  return `${plural(active, 'active alert')}: ${counts.join(' · ')}`;
}

const FactRow = (props: {
  term: string;
  children: ReactNode;
  classes: Classes;
}) => (
  <>
    <Typography component="dt" variant="body2" className={props.classes.term}>
      {props.term}
    </Typography>
    <Typography component="dd" variant="body2" className={props.classes.value}>
      {props.children}
    </Typography>
  </>
);

/**
 * What Defender for APIs knows about the API, one labelled row per fact. Rows whose data does
 * not exist for the posture's status are left out rather than shown as zero.
 */
export const PostureFacts = (props: { posture: ApiPosture }) => {
  const classes = useStyles();
  const { posture } = props;
  const { endpoints } = posture;
  // Zero endpoints right after onboarding means no data yet, not a clean bill of health.
  const hasEndpointData = endpoints !== undefined && endpoints.total > 0;
  const rows: Array<[string, ReactNode]> = [];

  rows.push(['Onboarding', onboardingText(posture)]);
  const plan = planText(posture, classes);
  if (plan) rows.push(['Defender for APIs plan', plan]);
  const traffic = planTrafficText(posture.plan);
  if (traffic) rows.push(['API traffic (30 days)', traffic]);
  if (hasEndpointData) {
    rows.push([
      'Authentication',
      `${endpoints.unauthenticated} of ${plural(
        endpoints.total,
        'endpoint',
      )} unauthenticated`,
    ]);
    rows.push([
      'Sensitive data',
      endpoints.sensitiveDataScanned === false
        ? 'Not scanned: Defender CSPM sensitive data discovery is off'
        : `${plural(
            endpoints.sensitiveDataExposed,
            'endpoint',
          )} exposing sensitive data${
            posture.sensitivityLabel
              ? ` · label "${posture.sensitivityLabel}"`
              : ''
          }`,
    ]);
    rows.push([
      'Unused / external',
      `${endpoints.inactive} unused (30 days) · ${endpoints.external} external`,
    ]);
  }
  if ((posture.endpointFindingsTotal ?? 0) > 0) {
    rows.push([
      'Endpoints at risk',
      <EndpointFindingsList posture={posture} />,
    ]);
  }
  if (isOnboarded(posture) || posture.alerts.active > 0) {
    rows.push([
      'Alerts',
      <>
        {alertsText(posture)}
        {posture.alerts.oldestGeneratedAt ? (
          <>
            {'; the oldest first seen '}
            <time
              dateTime={posture.alerts.oldestGeneratedAt}
              title={posture.alerts.oldestGeneratedAt}
            >
              {formatDay(posture.alerts.oldestGeneratedAt)}
            </time>
          </>
        ) : null}
        <AlertsList alerts={posture.alerts.items} />
      </>,
    ]);
  }
  if (posture.attackPaths) {
    rows.push([
      'Attack paths',
      <>
        <WholeWords text={attackPathsText(posture.attackPaths)} />
        <AttackPathsList attackPaths={posture.attackPaths} />
      </>,
    ]);
  }
  if (isOnboarded(posture) || posture.recommendations.length > 0) {
    rows.push([
      'Recommendations',
      posture.recommendations.length === 0 ? (
        'None open'
      ) : (
        <RecommendationsList recommendations={posture.recommendations} />
      ),
    ]);
  }

  return (
    <dl className={classes.facts}>
      {rows.map(([term, value]) => (
        <FactRow key={term} term={term} classes={classes}>
          {value}
        </FactRow>
      ))}
    </dl>
  );
};
