// `./platform COMMAND`: the shim installs the Debian packages, builds this and runs it. See README.md.
//
//   Commands/   one class per command (up, down, status, scale, test, bench, seed, issue-key, backup, restore): its arguments and what it runs
//   TestRuns/   `test`: dotnet test with TRX results, summed from the test platform's own XML
//   CliHost     the root command, usage errors (exit 64) and the operator's errors (exit 1)
//
// What the platform is (ports, files, how each server starts, up/down/scale/status) lives in tools/Topology,
// which the tests and the load generator use too.
using Platform.Cli;

return await CliHost.RunAsync(args);
