// Types shared by main.bicep and the modules.

@export()
@description('One model deployment on the AI Services account.')
type modelDeployment = {
  @description('Deployment name; the postprovision hook seeds the alias <name lower-cased> -> this deployment.')
  name: string
  @description('Model format, e.g. OpenAI, Microsoft, Meta.')
  format: string
  @description('Model name in the catalogue, e.g. gpt-4.1-mini.')
  model: string
  @description('Model version, e.g. 2025-04-14.')
  version: string
  @description('Deployment SKU, e.g. GlobalStandard, Standard, DataZoneStandard.')
  sku: string
  @description('Capacity in the SKU\'s unit (thousands of tokens per minute for the Standard family).')
  capacity: int
}
