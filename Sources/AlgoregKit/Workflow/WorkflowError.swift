/// A workflow command (`new`, `init`, `serve`) that cannot do what was asked: the message for
/// the user and the exit code (1: the register has a problem, 2: usage or I/O).
public struct WorkflowError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}
