// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "algoreg",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "algoreg", targets: ["algoreg"]),
        .library(name: "AlgoregKit", targets: ["AlgoregKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Debian's libcmark-gfm-dev / libcmark-gfm-extensions-dev.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Debian's libyaml-dev: we drive its event parser directly to keep line/column
        // of every key and value and to see duplicate keys that loaders drop.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // copy_file_range(2) for rebuilds that copy unchanged parts of the previous build's files.
        .target(name: "CFileCopy"),
        .target(
            name: "AlgoregKit",
            dependencies: [
                "CCmarkGFM", "CYAML", "CFileCopy",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            // Release builds skip the run-time exclusivity checks (3% of a build's time, in
            // every template look-up and value copy); debug builds and `swift test` keep them.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "algoreg",
            dependencies: [
                "AlgoregKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ],
            // Debian's libmimalloc-dev replaces glibc's malloc in the whole process: a build
            // allocates millions of small strings and arrays on both cores, and mimalloc makes
            // it about a sixth faster (README, Benchmarks).
            linkerSettings: [.linkedLibrary("mimalloc", .when(platforms: [.linux]))]
        ),
        .testTarget(
            name: "AlgoregKitTests",
            dependencies: ["AlgoregKit"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
