using System.Net;

namespace VoteChain.Networking.Limits;

/// <summary>
/// The key a client is counted under: its IPv4 address, or the /64 prefix of its IPv6 address (one host is commonly
/// given a whole /64, so counting single IPv6 addresses would give an attacker limits without end).
/// </summary>
public static class ClientAddress
{
    public static IPAddress Key(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
