<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN" sourcelanguage="en">
<context>
    <name>CadastreOfficer</name>
    <message>
        <source>Cadastre check</source>
        <translation>Kiểm tra địa chính</translation>
    </message>
    <message>
        <source>No check run yet.</source>
        <translation>Chưa kiểm tra.</translation>
    </message>
    <message>
        <source>No issue: the edits can be submitted.</source>
        <translation>Không có lỗi: có thể gửi các thay đổi.</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Mức độ</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Quy tắc</translation>
    </message>
    <message>
        <source>Parcel</source>
        <translation>Thửa đất</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Thông báo</translation>
    </message>
    <message>
        <source>{0} error(s), {1} warning(s).</source>
        <translation>{0} lỗi, {1} cảnh báo.</translation>
    </message>
    <message>
        <source>error</source>
        <translation>lỗi</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>cảnh báo</translation>
    </message>
    <message>
        <source>Connect to the register</source>
        <translation>Kết nối cơ sở dữ liệu địa chính</translation>
    </message>
    <message>
        <source>Saved PostgreSQL connection</source>
        <translation>Kết nối PostgreSQL đã lưu</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Xã, phường</translation>
    </message>
    <message>
        <source>No PostgreSQL connection is saved in QGIS. Add one in the Data Source Manager (with an authentication configuration) first.</source>
        <translation>Chưa có kết nối PostgreSQL nào được lưu trong QGIS. Hãy thêm kết nối trong Trình quản lý nguồn dữ liệu (kèm cấu hình xác thực) trước.</translation>
    </message>
    <message>
        <source>No saved PostgreSQL connection is called {0}</source>
        <translation>Không có kết nối PostgreSQL đã lưu nào tên là {0}</translation>
    </message>
    <message>
        <source>Dossier</source>
        <translation>Hồ sơ</translation>
    </message>
    <message>
        <source>A dossier of the commune</source>
        <translation>Hồ sơ của xã/phường</translation>
    </message>
    <message>
        <source>A new dossier</source>
        <translation>Hồ sơ mới</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Số hồ sơ</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Loại</translation>
    </message>
    <message>
        <source>Legal basis</source>
        <translation>Căn cứ pháp lý</translation>
    </message>
    <message>
        <source>Received on</source>
        <translation>Ngày tiếp nhận</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>Cán bộ</translation>
    </message>
    <message>
        <source>Give the dossier a number.</source>
        <translation>Hãy nhập số hồ sơ.</translation>
    </message>
    <message>
        <source>Parcel {0} was deleted: a parcel is retired by a split, merge or acquisition dossier, not deleted. Undo the deletion.</source>
        <translation>Thửa {0} đã bị xóa: thửa đất chỉ chấm dứt qua hồ sơ tách, hợp thửa hoặc thu hồi, không được xóa. Hãy hoàn tác việc xóa.</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Tiếng Việt</translation>
    </message>
    <message>
        <source>Issues</source>
        <translation>Lỗi phát hiện</translation>
    </message>
    <message>
        <source>Other land use</source>
        <translation>Mục đích khác</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Lỗi</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Cảnh báo</translation>
    </message>
    <message>
        <source>Parcels {0}</source>
        <translation>Thửa đất {0}</translation>
    </message>
    <message>
        <source>Map sheets {0}</source>
        <translation>Tờ bản đồ {0}</translation>
    </message>
    <message>
        <source>Commune boundary {0}</source>
        <translation>Ranh giới xã {0}</translation>
    </message>
    <message>
        <source>Cadastre {0}</source>
        <translation>Địa chính {0}</translation>
    </message>
    <message>
        <source>The layer {0} could not be opened from connection {1}</source>
        <translation>Không mở được lớp {0} từ kết nối {1}</translation>
    </message>
    <message>
        <source>ancestor</source>
        <translation>thửa gốc</translation>
    </message>
    <message>
        <source>descendant</source>
        <translation>thửa hình thành sau</translation>
    </message>
    <message>
        <source>split</source>
        <translation>tách thửa</translation>
    </message>
    <message>
        <source>merge</source>
        <translation>hợp thửa</translation>
    </message>
    <message>
        <source>resurvey</source>
        <translation>đo đạc lại</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Hiện tại</translation>
    </message>
    <message>
        <source>As of date</source>
        <translation>Tại ngày</translation>
    </message>
    <message>
        <source>As of {0}</source>
        <translation>Tại ngày {0}</translation>
    </message>
    <message>
        <source>until</source>
        <translation>đến</translation>
    </message>
    <message>
        <source>Legal area (m²)</source>
        <translation>Diện tích pháp lý (m²)</translation>
    </message>
    <message>
        <source>Measured area (m²)</source>
        <translation>Diện tích đo (m²)</translation>
    </message>
    <message>
        <source>Old identifiers</source>
        <translation>Số hiệu cũ</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Mã</translation>
    </message>
    <message>
        <source>Area (m²)</source>
        <translation>Diện tích (m²)</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Hình thức</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>Thời hạn</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>Quyền</translation>
    </message>
    <message>
        <source>Holder</source>
        <translation>Người sử dụng</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Phần quyền</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Từ ngày</translation>
    </message>
    <message>
        <source>Restriction</source>
        <translation>Hạn chế</translation>
    </message>
    <message>
        <source>Creditor or claimant</source>
        <translation>Bên nhận thế chấp hoặc bên yêu cầu</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Đến ngày</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>Số phát hành</translation>
    </message>
    <message>
        <source>Book entry</source>
        <translation>Số vào sổ</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>Ngày cấp</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>Quan hệ</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Do</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Không có</translation>
    </message>
    <message>
        <source>The register held no version of this parcel at that date.</source>
        <translation>Tại ngày này cơ sở dữ liệu chưa có thửa đất này.</translation>
    </message>
    <message>
        <source>status</source>
        <translation>trạng thái</translation>
    </message>
    <message>
        <source>version</source>
        <translation>phiên bản</translation>
    </message>
    <message>
        <source>Land uses</source>
        <translation>Mục đích sử dụng</translation>
    </message>
    <message>
        <source>Holders and shares</source>
        <translation>Người sử dụng và phần quyền</translation>
    </message>
    <message>
        <source>Restrictions</source>
        <translation>Hạn chế quyền</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>Giấy chứng nhận</translation>
    </message>
    <message>
        <source>Timeline of dossiers</source>
        <translation>Lịch sử hồ sơ</translation>
    </message>
    <message>
        <source>Genealogy</source>
        <translation>Nguồn gốc thửa</translation>
    </message>
    <message>
        <source>long-term</source>
        <translation>lâu dài</translation>
    </message>
    <message>
        <source>Click a parcel on the map.</source>
        <translation>Bấm vào một thửa đất trên bản đồ.</translation>
    </message>
    <message>
        <source>Cadastre</source>
        <translation>Địa chính</translation>
    </message>
    <message>
        <source>Connect…</source>
        <translation>Kết nối…</translation>
    </message>
    <message>
        <source>Dossier…</source>
        <translation>Hồ sơ…</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Kiểm tra</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>Gửi</translation>
    </message>
    <message>
        <source>Reload and redo</source>
        <translation>Tải lại để làm lại</translation>
    </message>
    <message>
        <source>Parcel information</source>
        <translation>Thông tin thửa đất</translation>
    </message>
    <message>
        <source>Parcel extract (PDF)…</source>
        <translation>Trích lục thửa đất (PDF)…</translation>
    </message>
    <message>
        <source>Errors block the submission: fix them and check again.</source>
        <translation>Còn lỗi nên chưa gửi được: hãy sửa rồi kiểm tra lại.</translation>
    </message>
    <message>
        <source>Tick every warning in the check dock to acknowledge it, then submit again.</source>
        <translation>Hãy đánh dấu xác nhận từng cảnh báo trong bảng kiểm tra rồi gửi lại.</translation>
    </message>
    <message>
        <source>The edits are in the register.</source>
        <translation>Các thay đổi đã được ghi vào cơ sở dữ liệu địa chính.</translation>
    </message>
    <message>
        <source>Reloaded from the register.</source>
        <translation>Đã tải lại từ cơ sở dữ liệu địa chính.</translation>
    </message>
    <message>
        <source>Working for dossier {0}.</source>
        <translation>Đang làm việc cho hồ sơ {0}.</translation>
    </message>
    <message>
        <source>Submitted for dossier {0}: {1} parcel(s) changed.</source>
        <translation>Đã gửi cho hồ sơ {0}: {1} thửa thay đổi.</translation>
    </message>
    <message>
        <source>Check commune</source>
        <translation>Kiểm tra xã, phường</translation>
    </message>
    <message>
        <source>Runs every rule of the register on the current parcels of a commune (geometry, overlaps, holes, areas, placement, rights and shares) and writes one point per issue with its rule, severity, parcel and message.</source>
        <translation>Chạy mọi quy tắc của cơ sở dữ liệu địa chính trên các thửa hiện hành của một xã, phường (hình học, chồng lấn, khoảng trống, diện tích, vị trí, quyền và phần quyền) và ghi mỗi lỗi thành một điểm kèm quy tắc, mức độ, thửa và thông báo.</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Lỗi</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>Cảnh báo</translation>
    </message>
    <message>
        <source>Checking commune {0}…</source>
        <translation>Đang kiểm tra xã, phường {0}…</translation>
    </message>
    <message>
        <source>Register connection</source>
        <translation>Kết nối cơ sở dữ liệu địa chính</translation>
    </message>
    <message>
        <source>Commune code</source>
        <translation>Mã xã, phường</translation>
    </message>
    <message>
        <source>Commune {0} is not a commune in force in this register</source>
        <translation>Xã, phường {0} không có hoặc không còn hiệu lực trong cơ sở dữ liệu này</translation>
    </message>
    <message>
        <source>Export parcels</source>
        <translation>Xuất thửa đất</translation>
    </message>
    <message>
        <source>Writes the parcels of a commune with their identity, legal and measured area, land uses and version, in the register's coordinate system: the current ones, or those in force at the end of a past day.</source>
        <translation>Ghi các thửa đất của một xã, phường kèm số hiệu, diện tích pháp lý và diện tích đo, mục đích sử dụng và phiên bản, theo hệ tọa độ của cơ sở dữ liệu: các thửa hiện hành, hoặc các thửa có hiệu lực vào cuối một ngày trong quá khứ.</translation>
    </message>
    <message>
        <source>As of date (YYYY-MM-DD; empty: now)</source>
        <translation>Tại ngày (YYYY-MM-DD; để trống: hiện tại)</translation>
    </message>
    <message>
        <source>{0} is not a date (YYYY-MM-DD)</source>
        <translation>{0} không phải là ngày (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>The parcels as of {0} could not be read from connection {1}</source>
        <translation>Không đọc được các thửa đất tại ngày {0} từ kết nối {1}</translation>
    </message>
    <message>
        <source>Parcels</source>
        <translation>Thửa đất</translation>
    </message>
    <message>
        <source>Parcels written</source>
        <translation>Số thửa đã ghi</translation>
    </message>
    <message>
        <source>Cadastre (land register)</source>
        <translation>Địa chính (cơ sở dữ liệu đất đai)</translation>
    </message>
    <message>
        <source>Choose or open a dossier before submitting.</source>
        <translation>Hãy chọn hoặc mở hồ sơ trước khi gửi.</translation>
    </message>
    <message>
        <source>There are no edits to submit.</source>
        <translation>Không có thay đổi nào để gửi.</translation>
    </message>
    <message>
        <source>A colleague changed a parcel of these edits after you loaded it: {0} {1} Reload the parcels and redo your edits.</source>
        <translation>Một cán bộ khác đã sửa thửa đất trong các thay đổi này sau khi bạn tải: {0} {1} Hãy tải lại các thửa và làm lại.</translation>
    </message>
    <message>
        <source>Search by number, legal basis or officer</source>
        <translation>Tìm theo số hồ sơ, căn cứ pháp lý hoặc cán bộ</translation>
    </message>
    <message>
        <source>No open dossier matches: search again or open a new one.</source>
        <translation>Không có hồ sơ đang mở nào khớp: tìm lại hoặc mở hồ sơ mới.</translation>
    </message>
    <message>
        <source>Approve dossier…</source>
        <translation>Duyệt hồ sơ…</translation>
    </message>
    <message>
        <source>Split parcel</source>
        <translation>Tách thửa</translation>
    </message>
    <message>
        <source>Merge parcels</source>
        <translation>Gộp thửa</translation>
    </message>
    <message>
        <source>Correct boundary</source>
        <translation>Chỉnh ranh giới</translation>
    </message>
    <message>
        <source>Close the dossier after submitting</source>
        <translation>Đóng hồ sơ sau khi gửi</translation>
    </message>
    <message>
        <source>Save pending edits to a file…</source>
        <translation>Lưu các thay đổi chưa gửi ra tệp…</translation>
    </message>
    <message>
        <source>Restore pending edits from a file…</source>
        <translation>Khôi phục các thay đổi chưa gửi từ tệp…</translation>
    </message>
</context>
</TS>
