namespace Platform.Observability.Tests.Rules;

public sealed class PromtoolTests
{
    [Fact]
    public void Placeholder() => Assert.True(File.Exists(Platform.Testing.RepositoryRoot.Combine("prometheus", "alerts.yml")));
}
