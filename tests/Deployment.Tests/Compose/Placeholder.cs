namespace Platform.Deployment.Tests.Compose;

internal static class Placeholder;
