/**
 * The one place ONNX Runtime sessions are made and run: {@link dev.loupe.runtime.session.OrtSessions} opens a
 * {@link dev.loupe.runtime.session.ModelSession} from a file or from bytes with {@link
 * dev.loupe.runtime.session.SessionSettings} (threads, graph optimization); every run goes through {@link
 * dev.loupe.runtime.session.RunGuard}, which stops a run that exceeds the time limit and, on SIGTERM/SIGINT, stops
 * the runs in flight and closes the sessions before the JVM exits (ONNX Runtime segfaults when the process exits
 * under a running session). ONNX Runtime's own log is kept off stderr: its errors reach the user as the exception
 * of the call that failed.
 */
package dev.loupe.runtime.session;
