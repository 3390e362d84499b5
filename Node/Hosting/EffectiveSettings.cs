using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace VoteChain.Node.Hosting;

/// <summary>One setting in force: its name as config/README.md writes it, its value, and where the value came from.</summary>
internal sealed record Setting(string Name, string Value, string Source);

/// <summary>
/// Every setting of <see cref="NodeOptions"/> after defaults, config file, environment and flags, read off the options
/// themselves (so a new setting shows up without being listed here), with its source.
/// </summary>
internal static class EffectiveSettings
{
    public static IReadOnlyList<Setting> Of(LoadedOptions loaded)
    {
        var settings = new List<Setting>();
        Walk(loaded.Options, "", loaded, settings);
        return settings;
    }

    private static void Walk(object section, string prefix, LoadedOptions loaded, List<Setting> settings)
    {
        // Settable properties are the ones the binder fills; the others (Enabled, IsOn) are derived from them.
        foreach (var property in section.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = prefix + (property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name.ToLowerInvariant());
            var value = property.GetValue(section);
            switch (value)
            {
                case string or bool or int or long or double or null:
                    settings.Add(new(NodeConfigBinding.Display(key), Format(value), Source(loaded, key)));
                    break;
                case IEnumerable list:
                    var items = list.Cast<object>().Select(Format).ToList();
                    settings.Add(new(NodeConfigBinding.Display(key), items.Count == 0 ? "(none)" : string.Join(", ", items), Source(loaded, key + ":0")));
                    break;
                default:
                    Walk(value, key + ":", loaded, settings);
                    break;
            }
        }
    }

    private static string Source(LoadedOptions loaded, string key) => NodeConfigBinding.Source(loaded.Configuration, key, loaded.ConfigPath);

    private static string Format(object? value) => value switch
    {
        null => "(unset)",
        "" => "(empty)",
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
