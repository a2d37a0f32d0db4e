// The gateway: a Flex Consumption (FC1) plan and a .NET 10 isolated-worker function app that runs as a user-assigned
// managed identity. Every connection (host storage, deployment package, tables, AI Services, Application Insights)
// authenticates with that identity; no key or connection secret appears in the settings.

@description('Azure region for the plan and the app.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app (also its default host name).')
param appName string

@description('azd service name the app is tagged with (azure.yaml services.<name>).')
param serviceName string

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('Client id of that identity (DefaultAzureCredential, AzureWebJobsStorage and Application Insights use it).')
param identityClientId string

@description('Name of the storage account for host storage and the deployment package.')
param storageAccountName string

@description('Blob endpoint of that storage account.')
param storageBlobEndpoint string

@description('Table endpoint of that storage account (the gateway\'s tables).')
param storageTableEndpoint string

@description('Blob container the plan deploys the app package from.')
param deploymentContainerName string

@description('Name of the Application Insights component the app sends telemetry to.')
param applicationInsightsName string

@description('Azure AI model inference endpoint of the AI Services account (https://<subdomain>.services.ai.azure.com/models).')
param aiServicesModelsEndpoint string

@description('Table of model aliases.')
param aliasTableName string

@description('Table of usage records.')
param usageTableName string

@description('Table of deployment health.')
param healthTableName string

@description('Table of callers (gateway key hashes, Entra principals and app roles).')
param callerTableName string

@description('Table of response affinity (which deployment holds each stored response).')
param responsesTableName string

@description('Audit trail of management changes to aliases and callers.')
param auditTableName string

@description('Table of the usage rollup (requests, tokens and cost per caller, alias, deployment and UTC day) that usage reports read.')
param usageRollupTableName string

@description('Table of the request and token counts that caller limits are held to across instances.')
param limitCountTableName string

@description('Origins allowed to call the gateway from a browser; empty allows none. The gateway answers CORS itself (Router__Cors__AllowedOrigins): the platform\'s CORS would answer preflights before the gateway sees them.')
param corsAllowedOrigins string[]

@description('Tenant whose Entra ID access tokens the gateway accepts (with entraAudience).')
param entraTenantId string

@description('Audiences of the gateway\'s Entra ID app registration, comma-separated; empty turns Entra ID tokens off.')
param entraAudience string

@description('Upper bound on instances the plan scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

// Read here rather than passed in, so the connection string never travels through a deployment output.
resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Functions host storage, identity-based.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        // Telemetry with Entra ID: local auth is disabled on the component, so the connection string (which names the
        // component and its ingestion endpoint) grants nothing without the identity's token.
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: applicationInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        // DefaultAzureCredential in the gateway picks the user-assigned identity.
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        // The gateway: one endpoint, the AI Services account, reached with Entra ID (no Router__Endpoints__default__Key).
        {
          name: 'Router__Endpoints__default__Url'
          value: aiServicesModelsEndpoint
        }
        {
          name: 'Router__Endpoints__default__Api'
          value: 'models'
        }
        {
          name: 'Router__Storage__TableServiceUri'
          value: storageTableEndpoint
        }
        {
          name: 'Router__AliasTable'
          value: aliasTableName
        }
        {
          name: 'Router__UsageTable'
          value: usageTableName
        }
        {
          name: 'Router__HealthTable'
          value: healthTableName
        }
        {
          name: 'Router__CallerTable'
          value: callerTableName
        }
        {
          name: 'Router__AuditTable'
          value: auditTableName
        }
        // Callers: gateway keys always; Entra ID tokens only once an audience is given (the tenant alone would not start).
        {
          name: 'Router__Entra__TenantId'
          value: empty(entraAudience) ? '' : entraTenantId
        }
        {
          name: 'Router__Entra__Audience'
          value: entraAudience
        }
        {
          name: 'Router__Cors__AllowedOrigins'
          value: join(corsAllowedOrigins, ',')
        }
        {
          name: 'Router__ResponsesTable'
          value: responsesTableName
        }
        {
          name: 'Router__UsageRollupTable'
          value: usageRollupTableName
        }
        {
          name: 'Router__Limits__CountTable'
          value: limitCountTableName
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
