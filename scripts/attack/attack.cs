#:project ../../Protos/Grpc/VoteChain.Protos.Grpc.csproj
#:package Grpc.Net.Client
#:property PublishAot=false
// Attack probe: runs one hostile client pattern against a node's public API on loopback and reports what it cost
// the node (resident memory and CPU seconds read from /proc/PID), so a defence can be measured before and after.
// Usage: dotnet run attack.cs -- URL NODE_PID big-stream [COUNT [BYTES]] | bad-flood [COUNT]
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

var url = args[0];
var pid = int.Parse(args[1]);
var mode = args[2];
using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { MaxSendMessageSize = null, MaxReceiveMessageSize = 64 << 20 });
var api = new VoteChainApi.VoteChainApiClient(channel);

var chainId = (await api.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10))).ChainId;
var before = Sample(pid);
var peakRss = before.RssKiB;
using var watch = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    while (!watch.IsCancellationRequested)
    {
        peakRss = Math.Max(peakRss, Sample(pid).RssKiB);
        try { await Task.Delay(20, watch.Token); } catch (OperationCanceledException) { }
    }
});
var clock = Stopwatch.StartNew();
string outcome;
if (mode == "big-stream")
{
    // COUNT messages of BYTES (default 4 MiB) each on one SubmitStream.
    var count = args.Length > 3 ? int.Parse(args[3]) : 250;
    var bytes = args.Length > 4 ? int.Parse(args[4]) : 4 << 20;
    var envelope = new TxEnvelope { Payload = ByteString.CopyFrom(new byte[bytes - 200]), Signer = ByteString.CopyFrom(new byte[32]), Signature = ByteString.CopyFrom([0x58, .. Enumerable.Repeat((byte)0x66, 31), 1, .. new byte[31]]) }.ToByteString();
    var sent = 0;
    try
    {
        using var call = api.SubmitStream(deadline: DateTime.UtcNow.AddMinutes(2));
        for (; sent < count; sent++)
        {
            await call.RequestStream.WriteAsync(new SubmitTransactionRequest { Envelope = envelope });
        }
        await call.RequestStream.CompleteAsync();
        var response = await call;
        outcome = $"stream completed, {response.Results.Count} results";
    }
    catch (RpcException e)
    {
        outcome = $"refused after {sent} messages: {e.StatusCode}: {e.Status.Detail}";
    }
}
else if (mode == "bad-flood")
{
    // COUNT requests, each a SubmitBatch of 10,000 copies of one small envelope with a wrong signature.
    var count = args.Length > 3 ? int.Parse(args[3]) : 10;
    var payload = new TxPayload { ChainId = chainId, CastVote = new CastVote { ElectionId = "e", Option = 0, Sequence = 1 } };
    var envelope = new TxEnvelope { Payload = payload.ToByteString(), Signer = ByteString.CopyFrom([0x58, .. Enumerable.Repeat((byte)0x66, 31)]), Signature = ByteString.CopyFrom([0x58, .. Enumerable.Repeat((byte)0x66, 31), 1, .. new byte[31]]) }.ToByteString();
    var request = new SubmitBatchRequest();
    for (var i = 0; i < 10_000; i++) request.Envelopes.Add(envelope);
    var refused = 0;
    string? code = null;
    for (var i = 0; i < count; i++)
    {
        try
        {
            var response = await api.SubmitBatchAsync(request, deadline: DateTime.UtcNow.AddMinutes(1));
            refused += response.Results.Count(r => r.Code != RejectCode.Unspecified);
            code = response.Results[0].CodeName;
        }
        catch (RpcException e)
        {
            code = $"{e.StatusCode}: {e.Status.Detail}";
        }
    }
    outcome = $"{count} requests of {envelope.Length}-byte envelopes x 10000, {refused} refused ({code})";
}
else
{
    throw new ArgumentException($"unknown mode {mode}");
}
var elapsed = clock.Elapsed;
await Task.Delay(300);
watch.Cancel();
await sampler;
var after = Sample(pid);
string serving;
try
{
    var status = await api.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
    serving = $"serving (height {status.Height})";
}
catch (RpcException e)
{
    serving = $"NOT serving: {e.StatusCode}";
}
Console.WriteLine($"{mode}: {outcome}");
Console.WriteLine($"  wall {elapsed.TotalSeconds:F2} s; node cpu {after.CpuSeconds - before.CpuSeconds:F2} s; rss before {before.RssKiB / 1024} MiB, peak {peakRss / 1024} MiB, after {after.RssKiB / 1024} MiB; node {serving}");

static (long RssKiB, double CpuSeconds) Sample(int pid)
{
    var rss = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
    return (long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]), ticks / 100.0);
}
