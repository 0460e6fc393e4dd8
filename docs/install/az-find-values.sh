# the subscription id (and tenant id) of the signed-in account; `az account list -o table` for all
az account show --query "{subscriptionId:id, tenantId:tenantId}" -o table

# the API Management services of that subscription: name and resource group for the configuration
az apim list --query "[].{name:name, resourceGroup:resourceGroup, sku:sku.name}" -o table

# the APIs of one service: `id` is the {apiId} of the annotation's short form <service>/<apiId>
az apim api list --resource-group <rg> --service-name <service> --query "[].{id:name, path:path}" -o table

# the full ARM id of one API, for the annotation's long form
az apim api show --resource-group <rg> --service-name <service> --api-id <apiId> --query id -o tsv
