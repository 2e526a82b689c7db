namespace Platform.Topology.Faults;

/// <summary>
/// A fault could not be injected or undone: the global read lock was not taken or not released, a signal
/// could not be sent, a process was not seen stopped. A test or bench run that meets one proved nothing, and
/// says so rather than judging a platform that was never faulted.
/// </summary>
public sealed class FaultInjectionException(string message, Exception? innerException = null) : Exception(message, innerException);
