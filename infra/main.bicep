// FunctionsRouter: everything `azd up` provisions, in one resource group. Plain resource declarations only (no
// registry modules), so `bicep build` needs no network.
targetScope = 'subscription'

import { modelDeployment } from 'modules/types.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the unique suffix of every resource.')
param environmentName string

@minLength(1)
@description('Region for all resources. It must offer Flex Consumption and the models in modelDeployments.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user or service principal (azd sets it); receives the same data roles as the app so the postprovision hook can seed aliases. Leave empty to grant nothing.')
param principalId string = ''

@description('Model deployments on the AI Services account, created one at a time; the postprovision hook seeds one alias per entry (alias = lower-cased name).')
param modelDeployments modelDeployment[] = [
  {
    name: 'gpt-4.1-mini'
    format: 'OpenAI'
    model: 'gpt-4.1-mini'
    version: '2025-04-14'
    sku: 'GlobalStandard'
    capacity: 10
  }
]

@description('Origins allowed to call the gateway from a browser (CORS, answered by the gateway itself); empty allows none.')
param corsAllowedOrigins string[] = []

@description('Audiences of the gateway\'s Entra ID app registration (client id and/or application id URI, comma-separated). Empty: the gateway accepts only its own keys, no Entra ID tokens.')
param entraAudience string = ''

@description('Region of the chat page\'s Static Web App (Free plan), which is offered in these regions only; the page is served from the edge everywhere.')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param webLocation string = 'eastus2'

@description('Client id of the chat page\'s own Entra ID app registration (a single-page application whose redirect URI is the site\'s URL). Empty: the page offers only a gateway key.')
param webEntraClientId string = ''

@description('The gateway scope the page asks Entra ID for, e.g. api://<gateway app id>/access_as_user. Needed with webEntraClientId.')
param webEntraScope string = ''

@description('Upper bound on Flex Consumption instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per Flex Consumption instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var serviceName = 'api'
var webServiceName = 'web'
var functionAppName = 'func-${serviceName}-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}'
// The gateway's tables; the names are the defaults of Router__AliasTable, Router__UsageTable, Router__HealthTable,
// Router__CallerTable, Router__ResponsesTable, Router__AuditTable (the management API's audit trail),
// Router__UsageRollupTable and Router__Limits__CountTable (caller limits across instances).
var aliasTableName = 'ModelAliases'
var usageTableName = 'UsageRecords'
var healthTableName = 'DeploymentHealth'
var callerTableName = 'Callers'
var responsesTableName = 'ResponseAffinity'
var auditTableName = 'AliasAudit'
var usageRollupTableName = 'UsageRollup'
var limitCountTableName = 'CallerUsageCounts'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
    deploymentContainerName: deploymentContainerName
    tableNames: [aliasTableName, usageTableName, healthTableName, callerTableName, responsesTableName, auditTableName, usageRollupTableName, limitCountTableName]
  }
}

module aiServices 'modules/ai-services.bicep' = {
  name: 'ai-services'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'ais-${resourceToken}'
    modelDeployments: modelDeployments
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'id-${serviceName}-${resourceToken}'
  }
}

module appRoles 'modules/role-assignments.bicep' = {
  name: 'app-role-assignments'
  scope: resourceGroup
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    aiServicesName: aiServices.outputs.name
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module deployerRoles 'modules/role-assignments.bicep' = if (!empty(principalId)) {
  name: 'deployer-role-assignments'
  scope: resourceGroup
  params: {
    principalId: principalId
    aiServicesName: aiServices.outputs.name
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module web 'modules/static-web-app.bicep' = {
  name: 'static-web-app'
  scope: resourceGroup
  params: {
    location: webLocation
    tags: tags
    name: 'stapp-${webServiceName}-${resourceToken}'
    serviceName: webServiceName
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    appName: functionAppName
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    aiServicesModelsEndpoint: aiServices.outputs.modelsEndpoint
    aliasTableName: aliasTableName
    usageTableName: usageTableName
    healthTableName: healthTableName
    callerTableName: callerTableName
    responsesTableName: responsesTableName
    auditTableName: auditTableName
    usageRollupTableName: usageRollupTableName
    limitCountTableName: limitCountTableName
    // The chat page's own origin always, besides any the deployer lists.
    corsAllowedOrigins: union(corsAllowedOrigins, [web.outputs.url])
    entraTenantId: tenant().tenantId
    entraAudience: entraAudience
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The app must not start (or receive its package) before its identity may read host storage.
  dependsOn: [appRoles]
}

// azd stores these in the environment (.azure/<env>/.env) and exports them to hooks.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.url
output AZURE_AI_SERVICES_ENDPOINT string = aiServices.outputs.modelsEndpoint
output AZURE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_ALIAS_TABLE string = aliasTableName
output AZURE_CALLER_TABLE string = callerTableName
output AZURE_AUDIT_TABLE string = auditTableName
// The chat page: azd deploys the `web` service to SERVICE_WEB_NAME; its predeploy hook writes config.json from these.
output SERVICE_WEB_NAME string = web.outputs.name
output SERVICE_WEB_URI string = web.outputs.url
output WEB_ENTRA_CLIENT_ID string = webEntraClientId
output WEB_ENTRA_SCOPE string = webEntraScope
// Comma-separated, for the postprovision hook (aliases are seeded from it).
output AZURE_AI_DEPLOYMENT_NAMES string = join(aiServices.outputs.deploymentNames, ',')
