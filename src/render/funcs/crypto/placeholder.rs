//! The fixed RSA keys that audit-only renders use instead of generating one
//! (see [`super::generate_reused`]). They are published in this source file
//! and so are NOT secret: they only ever sign certificates inside manifests
//! that helm-audit inspects and never prints for deployment (`template` and
//! `eval` always generate fresh keys, as Helm does). Generating a 4096-bit
//! key costs 0.3–1.5 s of CPU, more than auditing a large chart.
//!
//! Primes in big-endian hex; the public exponent is 65537.

/// The 2048-bit placeholder key: P.
pub const RSA_2048_P: &str = concat!(
    "c70132d4ac19780930b7c51052b46be7cb99c1b3516e126812af6cbce2fdaec7",
    "9ccda4a4231ef2fd897d9240c0331a68f5df9736f0006255a3ee8adb50fb734f",
    "af26d7d1f3649d59a1b7cf8e4616e268e8d30c459460196d2d139c8753dc5533",
    "f70e29fae3a87792a53fdf9b8fbb2064c99ab2d43b6f586a4e2c9186d449c827",
);

/// The 2048-bit placeholder key: Q.
pub const RSA_2048_Q: &str = concat!(
    "bf95af4871cb1b11f4c185fa16ad0de06841c3c2e7f45784bbc03eedb1e02794",
    "aa8315ac01bf30c57fdf9ba47b069c6cdaca27a2ec6231ccddac837128c72439",
    "e02f7ef8b59e1d6d71fe93f1b38dc2719718f9eefcc36e7d40f6989965bab5c0",
    "7fe73da5b506f699a9aaaef6f9ee22c791a1926451be5e0ed18a9c4d5f090f9d",
);

/// The 4096-bit placeholder key: P.
pub const RSA_4096_P: &str = concat!(
    "de44ebbb20bc7e12b068f42e9fe1b886ff46f6434f720bc24df378fe9e125585",
    "5c3133b6703ed015562e1d4918c481f99677a5560b2f9efe48783d11f5446c36",
    "b6968c17056c79ec048c091587d6f3db1aaab62e50910e4a18510c24ca440f51",
    "643c1faf4a72267f46f84d78b52755a71b56ef562b0db4b164cc21f14c668d52",
    "1278d716cf75933051b8355f0300e49ee1ab7dccc1b8a86c70a24521eee25d5e",
    "fbb2a8adf37c54af90cec801e440c9b4e76539195bdd437b8db9cd5e1b646942",
    "6dff1f3afe21da7f97390342ff9dc81d2e1d4ee4d94f2f808908b199833b74bf",
    "6b7043661d681a7ba8a49607d806940fef56bab5244e7bad246deb036ff2838d",
);

/// The 4096-bit placeholder key: Q.
pub const RSA_4096_Q: &str = concat!(
    "b879a3ffff78aa73c6cf6324d6ae530354fab57098a8df0251522c6b74dc59cc",
    "9aa17ebb31b48756f75d3347ea94d22cfabdc2433de034dc99243c42c3a4c336",
    "25ecf413912b8ceb2e0830d1bfc7789fbee68e89b8430f4a2015f9ac61bc2ef6",
    "e9c1bfb72a937d5def819130e81d4e0ae28131644ffddadccaef7b039b1075c5",
    "f0fab2d738a043d708304b038326f9f2561f70de1a4c700ba8a65bdce9389359",
    "da89698d3c2d2013f269cd304b13ad183b72c87dd3ce9b5a9d99b66568f521a9",
    "a4251a7e4e8c1c51b8cacd00ad862bfc3dc0467276d4476d8418022f2ab87739",
    "d451bf3706a5adcfccdb3f0eceb58e614330c1dddbd4cb7a45a7f72d59f114af",
);
