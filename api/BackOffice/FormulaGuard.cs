using Platform.Api.Reservations;

namespace Platform.Api.BackOffice;

/// <summary>
/// Keeps a CSV cell from being run as a formula by the spreadsheet that opens the export (OWASP, CSV
/// injection): a cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a CR gets a
/// <c>'</c> in front, which spreadsheets read as "this cell is text". A phone number in E.164 form is
/// the one exception: <c>+</c> and digits only, it can hold no formula, and an operator reads it as it
/// was given (<c>+31…</c>), not as <c>'+31…</c>. The CSV library's own injection escaping has no such
/// exception, so it is off and this is applied per cell instead.
/// </summary>
public static class FormulaGuard
{
    public const char Escape = '\'';

    public static string Neutralise(string value) =>
        value is [ '=' or '+' or '-' or '@' or '\t' or '\r', .. ] && !ReservationValidator.IsE164(value) ? Escape + value : value;
}
