using FunctionsRouter.LoadHarness;

// Exit codes: 0 the run completed (whatever the timings), 1 it could not run, 2 bad switches.
var options = HarnessOptions.Parse(args, out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync(error + Environment.NewLine + HarnessOptions.Usage);
    return 2;
}

return options.ServeGateway || options.ServeYarp ? await GatewayServer.RunAsync(options) : await HarnessRun.RunAsync(options);
