namespace Platform.Contracts.Identity;

/// <summary>Who the gateway says is calling: the client, its scopes, whose quotas a hold counts against, and its limits (as the header spells them).</summary>
public readonly record struct IdentityClaims(string Client, string Scopes, string Holder, string Limits);
