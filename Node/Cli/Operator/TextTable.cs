using Spectre.Console;
using Spectre.Console.Rendering;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// A small table of text: a Spectre table on a terminal, space-aligned columns otherwise. The first column is
/// left-aligned (names), the others right-aligned (numbers), unless every column holds text (<paramref name="textOnly"/>).
/// </summary>
internal sealed class TextTable(IReadOnlyList<string> headers, IReadOnlyList<string[]> rows, bool textOnly = false)
{
    public void Write(TextWriter output)
    {
        if (Terminal.IsInteractive(output))
        {
            Terminal.Open(output).Write(ToRenderable());
            return;
        }

        var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        output.WriteLine(Line(headers, widths));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    public IRenderable ToRenderable()
    {
        var table = new Table();
        for (var i = 0; i < headers.Count; i++)
        {
            table.AddColumn(new TableColumn(Markup.Escape(headers[i])) { Alignment = i == 0 || textOnly ? Justify.Left : Justify.Right });
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        return table;
    }

    private string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == 0 || textOnly ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
}
