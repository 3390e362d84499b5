using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// Double-sign protection. A validator signs at (height, view, step) only above the last point it signed, or at
/// that same point for the same block hash (re-sending an identical message is harmless). The state is handed
/// to the driver to persist before the signed message may leave, so a restart cannot forget it.
/// </summary>
internal sealed class SignGuard
{
    public SignGuard(SignState? restored) => Last = restored?.Clone();

    public SignState? Last { get; private set; }

    public bool MaySign(ulong height, ulong view, SignStep step, ReadOnlySpan<byte> hash)
    {
        if (Last is null)
        {
            return true;
        }

        var order = Compare(height, view, (uint)step, Last);
        return order > 0 || (order == 0 && Last.BlockHash.Span.SequenceEqual(hash));
    }

    /// <summary>Records a signature; the prepared certificate rides along so that it survives a restart.</summary>
    public SignState Record(ulong height, ulong view, SignStep step, ReadOnlySpan<byte> hash, PreparedCertificate? prepared)
    {
        Last = new SignState
        {
            Height = height,
            View = view,
            Step = (uint)step,
            BlockHash = ByteString.CopyFrom(hash),
            Prepared = prepared,
        };
        return Last;
    }

    private static int Compare(ulong height, ulong view, uint step, SignState last)
    {
        var byHeight = height.CompareTo(last.Height);
        if (byHeight != 0)
        {
            return byHeight;
        }

        var byView = view.CompareTo(last.View);
        return byView != 0 ? byView : step.CompareTo(last.Step);
    }
}
