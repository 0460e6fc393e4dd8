import { ReactNode } from 'react';
import {
  CompoundEntityRef,
  getCompoundEntityRef,
} from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_API_MANAGEMENT_API,
  ApiPosture,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { DataFreshness } from './DataFreshness';
import { errorMessage } from '../common/format';
import { OnboardingPanel } from './OnboardingPanel';
import { OffboardPanel } from './OffboardPanel';
import { PostureFacts } from './PostureFacts';
import { PostureStatusHeadline } from '../common/PostureStatusHeadline';
import { ScorecardRow } from './ScorecardRow';
import { useDefenderPosture } from './useDefenderPosture';

const TITLE = 'Defender for APIs';
const READ_MORE_URL =
  'https://learn.microsoft.com/azure/defender-for-cloud/defender-for-apis-introduction';
/** Shown under the missing-annotation state; the catalog component has no example slot. */
const ANNOTATION_EXAMPLE = 'contoso-apim/petstore-api';

/**
 * Props of {@link EntityDefenderApisCard}.
 *
 * @public
 */
export interface EntityDefenderApisCardProps {
  /** How often to read the posture again while onboarding runs, in milliseconds; default 3000. */
  pollIntervalMs?: number;
}

const MissingAnnotation = () => (
  <>
    <MissingAnnotationEmptyState
      annotation={ANNOTATION_API_MANAGEMENT_API}
      readMoreUrl={READ_MORE_URL}
    />
    <Typography variant="body2">
      Set it to the full ARM id of the API Management API or to{' '}
      <code>{'{serviceName}/{apiId}'}</code>, for example{' '}
      <code>
        {ANNOTATION_API_MANAGEMENT_API}: {ANNOTATION_EXAMPLE}
      </code>
      .
    </Typography>
  </>
);

/** Statuses whose posture holds no facts about the API. */
const FACTLESS_STATUSES = new Set<PostureStatus>([
  'unmapped',
  'conflict',
  'error',
]);

const PostureView = (props: {
  entityRef: CompoundEntityRef;
  posture: ApiPosture;
  onboardPending: boolean;
  onboardError?: Error;
  pollError?: Error;
  onOnboard: () => void;
  offboardPending: boolean;
  offboardError?: Error;
  offboarded: boolean;
  onOffboard: () => void;
}) => {
  const { posture } = props;
  // Without a mapping there are no facts, only the reason (which names the annotation problem
  // or, for a conflict, the other entities that name the same API).
  const showFacts = !FACTLESS_STATUSES.has(posture.status);
  return (
    <>
      <PostureStatusHeadline posture={posture} />
      {showFacts ? <PostureFacts posture={posture} /> : null}
      <ScorecardRow entityRef={props.entityRef} />
      {props.pollError ? (
        <Alert severity="warning">
          Could not read the onboarding progress, trying again:{' '}
          {errorMessage(props.pollError)}
        </Alert>
      ) : null}
      <OnboardingPanel
        posture={posture}
        pending={props.onboardPending}
        requestError={props.onboardError}
        onOnboard={props.onOnboard}
      />
      <OffboardPanel
        posture={posture}
        pending={props.offboardPending}
        requestError={props.offboardError}
        offboarded={props.offboarded}
        onOffboard={props.onOffboard}
      />
      <DataFreshness posture={posture} />
    </>
  );
};

/**
 * Defender for APIs posture of the current API entity: status, endpoint risks, alerts,
 * recommendations, and onboarding for owners. Every state renders inside one `InfoCard`.
 *
 * @public
 */
export const EntityDefenderApisCard = (props: EntityDefenderApisCardProps) => {
  const { entity } = useEntity();
  const annotated = Boolean(
    entity.metadata.annotations?.[ANNOTATION_API_MANAGEMENT_API],
  );
  const state = useDefenderPosture(
    annotated ? getCompoundEntityRef(entity) : undefined,
    { pollIntervalMs: props.pollIntervalMs },
  );
  const { posture } = state;

  let content: ReactNode;
  if (!annotated) {
    content = <MissingAnnotation />;
  } else if (state.loading) {
    content = <Progress />;
  } else if (state.error) {
    content = <ResponseErrorPanel error={state.error} />;
  } else if (posture) {
    content = (
      <PostureView
        entityRef={getCompoundEntityRef(entity)}
        posture={posture}
        onboardPending={state.onboardPending}
        onboardError={state.onboardError}
        pollError={state.pollError}
        onOnboard={() => {
          void state.onboard();
        }}
        offboardPending={state.offboardPending}
        offboardError={state.offboardError}
        offboarded={state.offboarded}
        onOffboard={() => {
          void state.offboard();
        }}
      />
    );
  }

  const portalUrl = annotated ? posture?.api?.portalUrl : undefined;
  return (
    <InfoCard
      title={TITLE}
      deepLink={
        portalUrl
          ? { title: 'View API in Azure portal', link: portalUrl }
          : undefined
      }
    >
      {content}
    </InfoCard>
  );
};
