using Platform.Topology;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Topology;

/// <summary>A socket path the kernel cannot bind is refused before anything is created, for up and the tests alike.</summary>
public sealed class MariaDbFilesTests
{
    private static MariaDbFiles With(string socket) => new("/d", socket, "/t", "/p", "/l", "/b");

    [Fact]
    public void A_socket_path_of_107_bytes_is_taken_and_one_byte_more_is_refused_naming_what_to_move()
    {
        var longest = "/" + new string('s', MariaDbFiles.MaxSocketPath - 1);
        Assert.Equal(longest, With(longest).Socket);

        var error = Assert.Throws<PlatformException>(() => With(longest + "s"));
        Assert.Contains("PLATFORM_STATE_DIR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_limit_counts_bytes_not_characters()
    {
        // 54 two-byte characters: 109 bytes though only 55 characters.
        Assert.Throws<PlatformException>(() => With("/" + new string('é', 54)));
    }
}
