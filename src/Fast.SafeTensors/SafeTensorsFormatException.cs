using System.Text;

namespace Fast.SafeTensors;

/// <summary>
/// A safetensors file broke one of the format rules (SPEC §1.1). The message is one line:
/// <c>&lt;file&gt;: &lt;rule&gt;[: detail][ (tensor 'name')]</c>.
/// </summary>
public class SafeTensorsFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="rule"/> broken by <paramref name="filePath"/>.</summary>
    public SafeTensorsFormatException(string filePath, FormatRule rule, string? tensorName = null, string? detail = null)
        : base(BuildMessage(filePath, rule, tensorName, detail))
    {
        FilePath = filePath;
        Rule = rule;
        TensorName = tensorName;
        Detail = detail;
    }

    /// <summary>Not for use: a format error always names its file and rule.</summary>
    public SafeTensorsFormatException()
        : this(string.Empty, FormatRule.InvalidJson)
    {
    }

    /// <summary>Not for use: a format error always names its file and rule.</summary>
    public SafeTensorsFormatException(string message)
        : base(message)
    {
        FilePath = string.Empty;
    }

    /// <summary>Not for use: a format error always names its file and rule.</summary>
    public SafeTensorsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>The file that broke the rule, as given to the reader.</summary>
    public string FilePath { get; }

    /// <summary>The rule that was broken.</summary>
    public FormatRule Rule { get; }

    /// <summary>The tensor the problem was found in, when there is one.</summary>
    public string? TensorName { get; }

    /// <summary>Specifics (offsets, lengths, the offending key), when useful.</summary>
    public string? Detail { get; }

    private static string BuildMessage(string filePath, FormatRule rule, string? tensorName, string? detail)
    {
        var sb = new StringBuilder();
        sb.Append(OneLine(filePath)).Append(": ").Append(FormatRuleDescriptions.Describe(rule));
        if (detail is not null)
        {
            sb.Append(": ").Append(OneLine(detail));
        }

        if (tensorName is not null)
        {
            sb.Append(" (tensor '").Append(OneLine(tensorName)).Append("')");
        }

        return sb.ToString();
    }

    // Names come from hostile files: a newline in a key must not forge extra log lines.
    internal static string OneLine(string text)
    {
        const int MaxLength = 200;
        bool clean = text.Length <= MaxLength;
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var sb = new StringBuilder(Math.Min(text.Length, MaxLength) + 8);
        foreach (char c in text)
        {
            if (sb.Length >= MaxLength)
            {
                sb.Append('…');
                break;
            }

            if (char.IsControl(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
