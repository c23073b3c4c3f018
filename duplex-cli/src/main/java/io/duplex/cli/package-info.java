/**
 * The {@code duplex} command line, built on picocli: the command tree ({@link
 * io.duplex.cli.DuplexCommand}, {@link io.duplex.cli.Main}) and what several commands share —
 * the {@link io.duplex.cli.Console} they talk through (so that tests run them in-process), exit
 * statuses ({@link io.duplex.cli.ExitCode}), usage errors ({@link io.duplex.cli.Usage}), URL checks
 * ({@link io.duplex.cli.Urls}), terminal colours ({@link io.duplex.cli.Style}), payload previews
 * and connect-failure messages. Each command lives in its own sub-package ({@code serve}, {@code
 * connect}, {@code inspect}, {@code bench}, {@code demo}); options that several commands take are
 * picocli mixins in {@code io.duplex.cli.options}.
 */
package io.duplex.cli;
