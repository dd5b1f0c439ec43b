using System.Text;

namespace Grassroots.Exchange;

/// <summary>
/// How text goes into and comes out of a spreadsheet cell, so a value can never turn into a formula.
/// </summary>
/// <remarks>
/// The rule, applied to every cell Grassroots writes (rosters, templates, error reports):
/// <list type="number">
/// <item>Every value is written as a string cell (<c>t="inlineStr"</c>); Grassroots never writes a formula element.</item>
/// <item>A value that begins with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return gets a leading
/// apostrophe (<c>=1+1</c> is written as <c>'=1+1</c>), as the OWASP guidance on CSV injection advises, so it stays
/// inert even after a clerk saves the sheet as CSV or pastes it into another program.</item>
/// <item>Characters that XML 1.0 cannot carry (control characters other than tab, line feed and carriage return,
/// lone surrogates) are dropped.</item>
/// </list>
/// On import the apostrophe is taken off again (<see cref="Restore"/>), so a value survives a round trip.
/// </remarks>
public static class SpreadsheetText
{
    /// <summary>The characters that make a spreadsheet program treat a value as a formula or a command.</summary>
    public static bool IsFormulaTrigger(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// <summary>The text to store in a cell: XML-safe, and prefixed with an apostrophe when it could start a formula.</summary>
    public static string Neutralise(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var clean = XmlSafe(value);
        return clean.Length > 0 && IsFormulaTrigger(clean[0]) ? "'" + clean : clean;
    }

    /// <summary>Undoes <see cref="Neutralise"/> on a value read back from a cell: drops the apostrophe before a formula character.</summary>
    public static string Restore(string value) =>
        value.Length > 1 && value[0] == '\'' && IsFormulaTrigger(value[1]) ? value[1..] : value;

    /// <summary>Drops characters XML 1.0 cannot represent.</summary>
    public static string XmlSafe(string value)
    {
        var ok = true;
        for (var i = 0; i < value.Length && ok; i++) ok = IsXmlChar(value, i);
        if (ok) return value;
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                sb.Append(value, i, 2);
                i++;
            }
            else if (IsXmlChar(value, i)) sb.Append(value[i]);
        }
        return sb.ToString();
    }

    static bool IsXmlChar(string s, int i)
    {
        var c = s[i];
        if (c is '\t' or '\n' or '\r') return true;
        if (c < 0x20 || c is '\uFFFE' or '\uFFFF') return false;
        if (char.IsHighSurrogate(c)) return i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);
        if (char.IsLowSurrogate(c)) return i > 0 && char.IsHighSurrogate(s[i - 1]);
        return true;
    }
}
