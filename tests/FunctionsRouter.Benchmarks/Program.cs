using BenchmarkDotNet.Running;

// Every benchmark class in this assembly; pick with --filter, shorten with --job short (see README, Performance).
BenchmarkSwitcher.FromAssembly(typeof(FunctionsRouter.Benchmarks.Aliases.AliasLookupBenchmarks).Assembly).Run(args);
