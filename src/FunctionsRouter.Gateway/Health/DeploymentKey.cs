namespace FunctionsRouter.Gateway.Health;

/// <summary>
/// A deployment on an endpoint, as the health table keys it: PartitionKey the endpoint, RowKey the deployment, both lower
/// case, with the characters Table Storage refuses in keys replaced by <c>_</c>.
/// </summary>
internal readonly record struct DeploymentKey(string Endpoint, string Deployment)
{
    public static DeploymentKey Of(string endpoint, string deployment) => new(Clean(endpoint), Clean(deployment));

    private static string Clean(string value) => string.Create(value.Length, value, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : char.ToLowerInvariant(c);
        }
    });

    public override string ToString() => Endpoint + "/" + Deployment;
}
