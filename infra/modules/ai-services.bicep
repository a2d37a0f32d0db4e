// The Azure AI Services account the gateway routes to, and its model deployments. Local (key) auth is off: the
// gateway calls it with its managed identity (Cognitive Services User).

import { modelDeployment } from 'types.bicep'

@description('Azure region for the AI Services account; the models in modelDeployments must be offered there.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the AI Services account; also its custom subdomain (<name>.services.ai.azure.com).')
param name string

@description('Model deployments to create, one at a time.')
param modelDeployments modelDeployment[]

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'AIServices'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

// The service rejects concurrent deployment writes on one account, hence one at a time.
@batchSize(1)
resource deployments 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = [
  for deployment in modelDeployments: {
    parent: account
    name: deployment.name
    sku: {
      name: deployment.sku
      capacity: deployment.capacity
    }
    properties: {
      model: {
        format: deployment.format
        name: deployment.model
        version: deployment.version
      }
    }
  }
]

output name string = account.name
// Azure AI model inference endpoint (the gateway's `models` API kind), derived from the custom subdomain.
output modelsEndpoint string = 'https://${account.properties.customSubDomainName}.services.ai.azure.com/models'
output deploymentNames string[] = [for (deployment, i) in modelDeployments: deployments[i].name]
