// The chat page (src/FunctionsRouter.Web): a Static Web App on the Free plan, tagged for azd's `web` service, which
// deploys the built page (dist/) to it. Its origin is added to the gateway's CORS list by main.bicep.

@description('Region of the site\'s metadata; the page itself is served from Azure\'s edge everywhere. Static Web Apps is offered in a few regions only.')
param location string

@description('Tags for the site, to which azd-service-name is added.')
param tags object

@description('Name of the Static Web App.')
param name string

@description('The azd service (in azure.yaml) that deploys to this site.')
param serviceName string

resource site 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    // No repository: azd uploads the built page.
    provider: 'None'
    stagingEnvironmentPolicy: 'Disabled'
    allowConfigFileUpdates: true
  }
}

output name string = site.name
@description('The page\'s origin (https://<name>.<n>.azurestaticapps.net), as a browser sends it in Origin.')
output url string = 'https://${site.properties.defaultHostname}'
