namespace Platform.Topology;

/// <summary>Something an operator must act on: the CLI prints the message after <c>error:</c> and exits 1.</summary>
public sealed class PlatformException : Exception
{
    public PlatformException()
    {
    }

    public PlatformException(string message)
        : base(message)
    {
    }

    public PlatformException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
