using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Observability;

/// <summary>The <c>Replica</c> section: who this process is, as shown in <c>X-Replica</c> and metric labels.</summary>
public sealed class ReplicaOptions
{
    public const string Section = "Replica";

    // In compose every container has its own hostname, which is what operators see in `docker ps`.
    [Required(AllowEmptyStrings = false, ErrorMessage = "Replica:Id must not be empty.")]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Replica:Id must be 1-64 of [A-Za-z0-9._-].")]
    public string Id { get; set; } = Environment.MachineName;
}
