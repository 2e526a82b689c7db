using Platform.Api.Identity;

namespace Platform.Api.Reservations;

/// <summary>
/// Whose reservations a call may see or change (docs/identity.md, Ownership): all (admin), the
/// caller's own, or, for an anonymous guest, the one whose secret it shows. The owner condition is
/// part of the statement's WHERE clause; the guest's secret is then checked against the row read.
/// </summary>
public sealed class ReservationAccess
{
    private readonly byte[]? _guestSecretHash;

    private ReservationAccess(string? owner, byte[]? guestSecretHash)
    {
        Owner = owner;
        _guestSecretHash = guestSecretHash;
    }

    /// <summary>The owner every row must have; null for an admin, who sees every client's.</summary>
    public string? Owner { get; }

    /// <summary>The access of <paramref name="caller"/>; an anonymous caller's needs the hash of the secret it showed.</summary>
    public static ReservationAccess Of(Caller caller, byte[]? guestSecretHash = null) =>
        caller.IsAnonymous ? new(caller.Client, guestSecretHash ?? throw new ArgumentNullException(nameof(guestSecretHash)))
        : caller.IsAdmin ? new(null, null)
        : new(caller.Client, null);

    /// <summary>The condition to append to a WHERE clause on <c>reservations r</c>, with <see cref="Owner"/> as <c>@owner</c>.</summary>
    public string Condition => Owner is null ? "" : " AND r.owner_client = @owner";

    /// <summary>Whether a row the owner condition let through may be shown or changed: for a guest, only with its secret.</summary>
    public bool Admits(ReservationRow row) =>
        _guestSecretHash is null || GuestSecret.Matches(row.GuestSecretHash, _guestSecretHash);
}
