# once per subscription named in AssignableScopes (edit the placeholders in the JSON files first)
az role definition create --role-definition @defender-apis-reader-role.json
az role definition create --role-definition @defender-apis-onboarder-role.json
az role definition create --role-definition @defender-apis-offboarder-role.json

# reading: the whole subscription (Microsoft.Security reads are made at subscription scope)
az role assignment create --assignee-object-id <principal-object-id> --assignee-principal-type ServicePrincipal \
  --role "Defender for APIs Backstage Reader" --scope /subscriptions/<subscription-id>

# onboarding: only the APIM services whose APIs Backstage may onboard
az role assignment create --assignee-object-id <principal-object-id> --assignee-principal-type ServicePrincipal \
  --role "Defender for APIs Backstage Onboarder" \
  --scope "$(az apim show --resource-group <rg> --name <service> --query id -o tsv)"

# offboarding (optional): only the APIM services whose APIs owners may offboard from Backstage
az role assignment create --assignee-object-id <principal-object-id> --assignee-principal-type ServicePrincipal \
  --role "Defender for APIs Backstage Offboarder" \
  --scope "$(az apim show --resource-group <rg> --name <service> --query id -o tsv)"
