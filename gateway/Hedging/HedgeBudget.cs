namespace Platform.Gateway.Hedging;

/// <summary>
/// Every request deposits <see cref="HedgingOptions.BudgetRatio"/> of a copy, every early copy
/// withdraws a whole one, and the balance is capped at <see cref="HedgingOptions.BudgetBurst"/>:
/// so hedges add at most that share of load however slow the replicas get (the retry budget of
/// Finagle and gRPC). Neither Polly nor YARP has one. Lock-free: one interlocked counter of
/// thousandths of a copy.
/// </summary>
public sealed class HedgeBudget(double ratio, int burst)
{
    private const long Whole = 1000;
    private readonly long _deposit = (long)Math.Round(ratio * Whole);
    private readonly long _cap = burst * Whole;
    private long _balance = burst * Whole;

    public void Deposit()
    {
        if (Volatile.Read(ref _balance) < _cap)
            Interlocked.Add(ref _balance, _deposit);
    }

    public bool TryWithdraw()
    {
        var balance = Volatile.Read(ref _balance);
        while (balance >= Whole)
        {
            var seen = Interlocked.CompareExchange(ref _balance, balance - Whole, balance);
            if (seen == balance)
                return true;
            balance = seen;
        }
        return false;
    }
}
