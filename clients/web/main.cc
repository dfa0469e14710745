// cellchain-web: the web console of cellchain — its pages and a JSON API
// over HTTPS, beside cellchaind, calling it over mTLS gRPC with each
// person's own session (console.h, decision 0019).
//   cellchain-web --https-cert=F --https-key=F --target=HOST:PORT --ca=F
//                 --cert=F --key=F [--listen=HOST:PORT] [--static-dir=DIR]
// Logs `event=web_started port=N` once listening; stops on SIGTERM/SIGINT.
#include <csignal>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "clients/web/console.h"
#include "services/common/config/config.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/server.h"
#include "services/common/log/log.h"

#ifndef CELLCHAIN_WEB_STATIC_DIR
#define CELLCHAIN_WEB_STATIC_DIR ""
#endif

int main(int argc, char** argv) {
  namespace cc = cellchain;
  cc::grpcx::BlockShutdownSignals();
  // A browser that goes away mid-answer is an error of that write, not the
  // end of the process.
  signal(SIGPIPE, SIG_IGN);
  cc::web::ConsoleOptions options;
  options.static_dir = CELLCHAIN_WEB_STATIC_DIR;
  cc::grpcx::ChannelOptions channel_options;
  channel_options.target = "127.0.0.1:7443";
  cc::config::Loader loader("cellchain-web", "CELLCHAIN_WEB");
  loader.set_summary(
      "Serves the web console over HTTPS and calls cellchaind over mTLS with\n"
      "each person's own session.\n");
  loader.String("listen", &options.listen,
                "HOST:PORT to serve HTTPS on (port 0: any free port).");
  loader.ReadableFile("https-cert", &options.https_cert,
                      "PEM certificate chain the browsers see.")
      .Required();
  loader.ReadableFile("https-key", &options.https_key,
                      "PEM private key of --https-cert.")
      .Required();
  loader.String("static-dir", &options.static_dir,
                "Directory of the console's pages.");
  loader.Duration("deadline", &options.deadline,
                  "Deadline of each call to cellchaind.");
  loader.String("target", &channel_options.target,
                "cellchaind, HOST:PORT or HOST:PORT,HOST:PORT.");
  loader.ReadableFile("ca", &channel_options.tls.ca_path,
                      "PEM CA that issued cellchaind's certificate.")
      .Required();
  loader.ReadableFile("cert", &channel_options.tls.cert_path,
                      "PEM client certificate of this console (its "
                      "workstation).")
      .Required();
  loader.ReadableFile("key", &channel_options.tls.key_path,
                      "PEM private key of --cert.")
      .Required();
  absl::Status loaded = loader.Load(argc, argv);
  if (cc::config::IsHelpRequested(loaded)) {
    std::cout << loader.Usage();
    return 0;
  }
  if (!loaded.ok()) {
    std::cerr << loaded.message() << "\n";
    return 2;
  }
  auto channel = cc::grpcx::NewChannel(channel_options);
  if (!channel.ok()) {
    std::cerr << "cellchain-web: " << channel.status().message() << "\n";
    return 2;
  }
  auto console = cc::web::Console::Start(options, *channel);
  if (!console.ok()) {
    std::cerr << "cellchain-web: " << console.status().message() << "\n";
    return 1;
  }
  cc::log::Info("web_started", {{"listen", options.listen},
                                {"port", absl::StrCat((*console)->port())},
                                {"target", channel_options.target}});
  std::string signal = cc::grpcx::WaitForShutdownSignal();
  cc::log::Info("shutdown_requested", {{"signal", signal}});
  (*console)->Stop();
  return 0;
}
