using FunctionsRouter.Cli.CommandLine;
using Microsoft.Extensions.Configuration;

// Settings come from the environment (azd exports the Bicep outputs to hooks) and can be overridden by switches.
var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await CliApplication.RunAsync(args, new CliContext(Console.Out, Console.Error, environment, TimeProvider.System), cancellation.Token);
