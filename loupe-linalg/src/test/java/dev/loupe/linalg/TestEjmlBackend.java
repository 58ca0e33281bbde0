package dev.loupe.linalg;

/** The conformance suite on the pure-Java fallback. */
class TestEjmlBackend extends DenseBackendConformance {
    private static final DenseBackend BACKEND = Backends.pureJava();

    @Override
    DenseBackend backend() {
        return BACKEND;
    }
}
