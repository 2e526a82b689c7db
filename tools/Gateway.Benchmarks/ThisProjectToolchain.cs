using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains;
using BenchmarkDotNet.Toolchains.CsProj;
using BenchmarkDotNet.Toolchains.DotNetCli;

namespace Platform.Gateway.Benchmarks;

/// <summary>
/// BenchmarkDotNet's usual toolchain, told where this project is. By default it searches for
/// <c>&lt;AssemblyName&gt;.csproj</c>, and this project keeps the repository's file naming
/// (Gateway.Benchmarks.csproj) while its assembly is Platform.Gateway.Benchmarks, the name the
/// gateway grants its internals to.
/// </summary>
internal static class ThisProjectToolchain
{
    private const string ProjectFileName = "Gateway.Benchmarks.csproj";

    public static IToolchain Create()
    {
        var settings = NetCoreAppSettings.NetCoreApp10_0;
        var standard = CsProjCoreToolchain.From(settings);
        return new Toolchain(standard.Name, new Generator(settings, FindProjectFile()), standard.Builder, standard.Executor);
    }

    /// <summary>The host runs from bin/&lt;configuration&gt;/&lt;framework&gt;/ under the project.</summary>
    private static FileInfo FindProjectFile()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = new FileInfo(Path.Combine(directory.FullName, ProjectFileName));
            if (candidate.Exists)
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"{ProjectFileName} was not found above {AppContext.BaseDirectory}; run the benchmarks from their build output.");
    }

    // Unset settings are null, which the generator's signature does not admit but its code takes as
    // "use the default", exactly as CsProjCoreToolchain.From passes them.
    private sealed class Generator(NetCoreAppSettings settings, FileInfo projectFile)
        : CsProjGenerator(settings.TargetFrameworkMoniker, settings.CustomDotNetCliPath!, settings.PackagesPath!, settings.RuntimeFrameworkVersion!)
    {
        protected override FileInfo GetProjectFilePath(Type benchmarkTarget, ILogger logger) => projectFile;
    }
}
