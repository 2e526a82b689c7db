using System.Globalization;
using System.Net;
using Platform.Load.Faults;
using Platform.Load.Poison;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;

namespace Platform.Load.Scenarios.Faults;

/// <summary>
/// The poison-request corpus (<see cref="PoisonRequests"/>) sent anonymously from one address at its
/// full per-address rate (<see cref="PerSecond"/>, the anonymous policy's), each over its own raw
/// connection, beside the calm keyed clients (and, in the busy variant, the bench's load): the calm
/// clients see no failure, no replica leaves the rotation (the gateway's metrics are sampled every
/// quarter second), and the attacker never gets a 5xx nor a second answer on one connection.
/// </summary>
public sealed class PoisonRequestsScenario(ScenarioPlan plan) : Scenario(plan)
{
    public const string Client = "poison";

    /// <summary>The anonymous policy's rate: the most one address may send.</summary>
    public const int PerSecond = 20;

    private RotationWatch? _rotation;
    private long _sent;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        var gateway = new IPEndPoint(IPAddress.Loopback, run.Settings.Gateway.Port);
        var stop = run.StopRun.Token;
        run.Users.AddRange(Enumerable.Range(0, PerSecond).Select(i => new VirtualUser(Client, i * 1000.0 / PerSecond, 1000,
            at => SendAsync(gateway, PoisonRequests.All[(int)(Interlocked.Increment(ref _sent) % PoisonRequests.All.Count)], run.Clock, at, stop))));
        _rotation = new RotationWatch(run.Owns(new MetricsEndpoint(run.Settings.GatewayMetrics)), run.Clock);
        run.Beside(_rotation.RunAsync(run.StopBeside));
        return Task.CompletedTask;
    }

    public override void Judge(RunResult result, Report report)
    {
        var rotation = Arranged(_rotation);
        ClientTables.Add(result, report);
        var poison = result.Records.Where(r => r.Client == Client).ToList();
        var fiveHundreds = poison.Count(r => r.Status >= 500);
        var doubled = poison.Count(r => r.ProblemType == SecondAnswer);
        report.Verdicts.Add(new Verdict("Poison: no 5xx to the attacker", fiveHundreds == 0 && doubled == 0 && poison.Count > 0, string.Create(CultureInfo.InvariantCulture,
            $"{poison.Count} poison requests ({PoisonRequests.All.Count} shapes, {PerSecond}/s from one address, each on its own connection), answered {FaultVerdicts.Statuses(poison)}; {fiveHundreds} 5xx, {doubled} connections with a second answer")));

        List<RotationSample> samples;
        lock (rotation.Samples)
            samples = [.. rotation.Samples];
        var outs = samples.Where(s => s.OutOfRotation).ToList();
        var destinations = samples.Select(s => s.Destination).Distinct(StringComparer.Ordinal).Count();
        var outOfRotation = outs.Count == 0 ? "none out of rotation"
            : "out of rotation: " + string.Join(", ", outs.GroupBy(s => s.Destination).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Count()} from {g.Min(s => s.AtMs) / 1000:0.0} s")));
        report.Verdicts.Add(new Verdict("Poison: every replica stays in rotation", outs.Count == 0 && samples.Count > 0, string.Create(CultureInfo.InvariantCulture,
            $"{samples.Count} samples of {RotationWatch.Healthy} and {RotationWatch.Ejected} over {destinations} destinations, every {RotationWatch.Every.TotalSeconds:0.00} s; {outOfRotation}")));

        var calm = ClientTables.Calm(result.Records);
        var others = result.Records.Where(r => r.Client != Client && !calm.Contains(r)).ToList();
        var beside = others.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $"; load beside: {others.Count} requests, {others.Count(r => r.Failed)} failures ({FaultVerdicts.Statuses(others.Where(r => r.Failed))})");
        report.Verdicts.Add(new Verdict("Poison: calm clients hold", calm.Count > 0 && calm.All(r => !r.Failed) && others.All(r => !r.Failed), string.Create(CultureInfo.InvariantCulture,
            $"calm clients: {calm.Count} requests, {calm.Count(r => r.Failed)} failures ({FaultVerdicts.Statuses(calm.Where(r => r.Failed))}){beside}")));
        report.Files.Add(("rotation.csv", rotation.ToCsv()));
    }

    private const string SecondAnswer = "second-answer";

    private static async Task<RequestRecord> SendAsync(IPEndPoint gateway, PoisonRequest request, RunClock clock, double scheduledMs, CancellationToken stop)
    {
        var endpoint = $"poison {request.Group}";
        try
        {
            var answer = await PoisonExchange.SendAsync(gateway, request, stop);
            var status = answer.Status ?? 0;
            var reason = answer.Statuses.Count > 1 ? SecondAnswer : answer.Error ?? (answer.Statuses.Count == 0 ? "no answer" : null);
            // No answer is what a request the client itself aborts gets; a 4xx is the attacker's own.
            return new RequestRecord(scheduledMs, clock.ElapsedMs - scheduledMs, endpoint, Client, status, reason, null,
                Failed: status >= 500 || answer.Statuses.Count > 1);
        }
        catch (Exception error) when (error is System.Net.Sockets.SocketException or OperationCanceledException or IOException)
        {
            return new RequestRecord(scheduledMs, clock.ElapsedMs - scheduledMs, endpoint, Client, 0, error.GetType().Name, null, Failed: false);
        }
    }
}
