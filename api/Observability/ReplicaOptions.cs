using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Observability;

/// <summary>The <c>Replica</c> section: who this process is, as shown in <c>X-Replica</c> and metric labels.</summary>
public sealed class ReplicaOptions
{
    public const string Section = "Replica";

    /// <summary>
    /// Unset, the host name, which AddObservability fills in after binding (null only until then): in
    /// compose every container has its own, which is what operators see in `docker ps`. Set but empty
    /// is a mistake, refused at start.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Replica:Id must not be empty.")]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Replica:Id must be 1-64 of [A-Za-z0-9._-].")]
    public string Id { get; set; } = null!;
}
