using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>What a command runs with: its two output streams, the environment's settings, the clock.</summary>
/// <param name="Output">Results only: the readable lines, or the one JSON object of <c>--json</c>; a new key appears only here.</param>
/// <param name="Error">Problems and progress notes; never a key.</param>
/// <param name="Environment">The environment variables (azd exports the provisioning outputs to hooks under these names).</param>
/// <param name="Time">The clock (creation dates, a rotation's grace).</param>
/// <param name="NetworkTimeout">How long one try of a table call may take; default <see cref="Storage.TableClients.DefaultNetworkTimeout"/>.</param>
internal sealed record CliContext(TextWriter Output, TextWriter Error, IConfiguration Environment, TimeProvider Time, TimeSpan? NetworkTimeout = null);
