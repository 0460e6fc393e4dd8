# <principal-object-id>: the object id of the backend's identity (managed identity: its principalId;
# service principal: `az ad sp show --id <appId> --query id -o tsv`)
SERVICE_ID=$(az apim show --resource-group <rg> --name <service> --query id -o tsv)

# reading: Defender for Cloud data of each subscription that has a configured APIM service
az role assignment create --assignee-object-id <principal-object-id> --assignee-principal-type ServicePrincipal \
  --role "Security Reader" --scope /subscriptions/<subscription-id>
# reading: each configured APIM service, its APIs and (plan fit) its Requests metric
az role assignment create --assignee-object-id <principal-object-id> --assignee-principal-type ServicePrincipal \
  --role "API Management Service Reader Role" --scope "$SERVICE_ID"
az role assignment create --assignee-object-id <principal-object-id> --assignee-principal-type ServicePrincipal \
  --role "Monitoring Reader" --scope "$SERVICE_ID"
