using FunctionsRouter.AliasSeeder;
using Microsoft.Extensions.Configuration;

// Settings come from azd's environment (azd exports the Bicep outputs to hooks) and can be overridden by switches.
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(args, SeedAliasesSettings.SwitchMappings)
    .Build();

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await SeedAliasesCommand.RunAsync(configuration, Console.Out, Console.Error, cancellation.Token);
