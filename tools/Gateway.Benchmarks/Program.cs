using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Platform.Gateway.Benchmarks;

// Every benchmark in this assembly, chosen with BenchmarkDotNet's own arguments (--filter, --list).
// The default job only supplies the toolchain; each class's [SimpleJob] says how long to run.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(ThisProjectToolchain.Create()).AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(AcquireBenchmarks).Assembly).Run(args, config);
