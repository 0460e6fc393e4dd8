import {
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ANNOTATION_API_MANAGEMENT_API } from '@defender-apis/plugin-defender-apis-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { defenderApisApiRef } from '../../api';

/** Defender for APIs posture of the current API entity. */
export const EntityDefenderApisCard = () => {
  const { entity } = useEntity();
  const api = useApi(defenderApisApiRef);
  const hasAnnotation = Boolean(
    entity.metadata.annotations?.[ANNOTATION_API_MANAGEMENT_API],
  );
  const { value, loading, error } = useAsync(
    async () =>
      hasAnnotation ? api.getPosture(getCompoundEntityRef(entity)) : undefined,
    [api, entity, hasAnnotation],
  );

  let content: JSX.Element;
  if (!hasAnnotation) {
    content = (
      <MissingAnnotationEmptyState annotation={ANNOTATION_API_MANAGEMENT_API} />
    );
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else {
    content = (
      <Typography variant="body1">
        {value?.status}
        {value?.reason ? ` — ${value.reason}` : ''}
      </Typography>
    );
  }
  return <InfoCard title="Defender for APIs">{content}</InfoCard>;
};
